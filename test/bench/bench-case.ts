/** One benchmark case; `figures` are ratios or absolute numbers measured against `baseline` in the same run. */
export interface BenchCase {
  name: string;
  /** What the ratio compares against (measured in the same run, since these machines are noisy). */
  baseline: string;
  run(): Promise<{ figures: Record<string, number>; notes?: string }>;
}
