import type { ApiError, AssetqlApi, EventName, EventPayloads, RequestArg, RequestName, RequestResult } from '../../preload/api.ts';
import { connectBridge } from './bridge.ts';

/** Thrown by call() so screens can use try/catch or the useRequest hook; carries the error kind. */
export class RequestError extends Error {
  readonly kind: ApiError['kind'];
  constructor(readonly error: ApiError) {
    super(error.message);
    this.kind = error.kind;
  }
}

let bridge: AssetqlApi | null = null;
function getBridge(): AssetqlApi {
  bridge ??= connectBridge();
  return bridge;
}

export async function call<K extends RequestName>(name: K, arg: RequestArg<K>): Promise<RequestResult<K>> {
  const result = await getBridge().request(name, arg);
  if (!result.ok) throw new RequestError(result.error);
  return result.value;
}

export function subscribe<E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void): () => void {
  return getBridge().on(name, listener);
}

export function transport(): AssetqlApi['transport'] {
  return getBridge().transport;
}

/** Where a dropped/picked file lies on disk (Electron only; '' in the browser or when it has none). */
export function pathForFile(file: File): string {
  return getBridge().pathForFile?.(file) ?? '';
}
