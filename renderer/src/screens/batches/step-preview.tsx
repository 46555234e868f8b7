import type { TaskProgress } from '../../store/tasks.ts';

/** The image being generated: the latest latent preview and how many denoising steps are done. */
export function StepPreview(props: { progress: TaskProgress }) {
  const p = props.progress;
  return (
    <div className="step-preview">
      <div className="preview-frame">{p.previewUrl ? <img src={p.previewUrl} alt="Generation preview" /> : <span className="muted">no preview</span>}</div>
      <div className="grow">
        <div className="row-between num">
          <span>Generating</span>
          <span>
            step {p.step}/{p.steps}
          </span>
        </div>
        <div className="progress">
          <span className="seg active" style={{ width: `${(p.step / Math.max(1, p.steps)) * 100}%` }} />
        </div>
      </div>
    </div>
  );
}
