import { useRef, useState, type ReactNode } from 'react';

/**
 * Drag-and-drop target that is also a button opening the file picker (keyboard users and
 * screen readers get the same path). The hidden input is labelled so tests can setInputFiles.
 */
export function DropZone(props: { label: string; hint: ReactNode; accept: string; multiple?: boolean; onFiles(files: File[]): void; testId: string; busy?: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  return (
    <div
      className={over ? 'drop-zone over' : 'drop-zone'}
      data-testid={props.testId}
      role="button"
      tabIndex={0}
      aria-describedby={`${props.testId}-hint`}
      aria-busy={props.busy}
      onClick={() => input.current?.click()}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          input.current?.click();
        }
      }}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const files = [...e.dataTransfer.files];
        if (files.length) props.onFiles(files);
      }}
    >
      <strong>{props.label}</strong>
      <span className="muted" id={`${props.testId}-hint`}>
        {props.busy ? 'Uploading…' : props.hint}
      </span>
      <input
        ref={input}
        type="file"
        hidden
        accept={props.accept}
        multiple={props.multiple}
        data-testid={`${props.testId}-input`}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) props.onFiles(files);
        }}
      />
    </div>
  );
}
