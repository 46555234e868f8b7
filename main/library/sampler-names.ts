/** Pipeline sampler ids → the names A1111 writes, so other tools recognise them. */
const NAMES: Record<string, string> = {
  euler: 'Euler',
  'euler-a': 'Euler a',
  euler_a: 'Euler a',
  'euler-ancestral': 'Euler a',
  euler_ancestral: 'Euler a',
  'dpmpp-2m-karras': 'DPM++ 2M Karras',
  dpmpp_2m_karras: 'DPM++ 2M Karras',
  'dpmpp-2m': 'DPM++ 2M',
  dpmpp_2m: 'DPM++ 2M',
  ddim: 'DDIM',
};

export function samplerDisplayName(id: string): string {
  return NAMES[id.toLowerCase()] ?? id;
}
