import { AsyncView } from '../../components/async-view.tsx';
import { useRequest } from '../../hooks/use-request.ts';

/** Version, transport and where data lives. */
export function AboutSection() {
  const info = useRequest('app.info', {});
  return (
    <div className="card" data-testid="about">
      <h2>About</h2>
      <AsyncView state={info} what="App info">
        {(i) => (
          <dl className="params">
            <div><dt>version</dt><dd>{i.version}</dd></div>
            <div><dt>transport</dt><dd>{i.transport}</dd></div>
            <div><dt>data</dt><dd className="mono">{i.dataDir}</dd></div>
            <div><dt>library</dt><dd className="mono">{i.libraryDir}</dd></div>
            <div><dt>platform</dt><dd>{i.platform} · node {i.node}</dd></div>
          </dl>
        )}
      </AsyncView>
    </div>
  );
}
