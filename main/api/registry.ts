import {
  requestSchemas,
  type ApiResult,
  type ParsedArg,
  type RequestName,
  type RequestResult,
} from '../../preload/api.ts';
import { AppError, toErrorData } from '../core/app-error.ts';
import { issuesToSentences } from '../core/issue-sentences.ts';

/** What a handler knows about the caller: how to turn a library path into a URL it can load. */
export interface RequestContext {
  transport: 'electron' | 'browser' | 'test';
  /** Maps a library-relative path (e.g. raw/b1/a1.png) to a URL the renderer can load. */
  fileUrl(libraryRelativePath: string): string;
}

export type Handler<K extends RequestName> = (
  arg: ParsedArg<K>,
  ctx: RequestContext,
) => Promise<RequestResult<K>> | RequestResult<K>;

/**
 * The one place requests are registered and dispatched. Transports (Electron IPC, WebSocket)
 * call dispatch() with untrusted input: the name is checked against the contract, the argument
 * is validated with the contract's zod schema, and any failure comes back as error data.
 */
export class ApiRegistry {
  private readonly handlers = new Map<RequestName, Handler<RequestName>>();

  handle<K extends RequestName>(name: K, handler: Handler<K>): void {
    if (this.handlers.has(name)) throw new AppError('Internal', `handler for ${name} registered twice`);
    this.handlers.set(name, handler as unknown as Handler<RequestName>);
  }

  has(name: RequestName): boolean {
    return this.handlers.has(name);
  }

  missing(): RequestName[] {
    return (Object.keys(requestSchemas) as RequestName[]).filter((n) => !this.handlers.has(n));
  }

  async dispatch(name: unknown, rawArg: unknown, ctx: RequestContext): Promise<ApiResult<unknown>> {
    try {
      if (typeof name !== 'string' || !Object.hasOwn(requestSchemas, name)) {
        throw new AppError('BadInput', `unknown request ${JSON.stringify(name)}`);
      }
      const key = name as RequestName;
      const handler = this.handlers.get(key);
      if (!handler) throw new AppError('Unavailable', `${key} is not available in this build`);
      const schema = requestSchemas[key];
      const parsed = schema.safeParse(rawArg ?? undefined);
      if (!parsed.success) {
        throw new AppError('BadInput', issuesToSentences(parsed.error.issues, rawArg), { request: key, fields: parsed.error.issues.map((i) => i.path.join('.')) });
      }
      const value = await handler(parsed.data as ParsedArg<RequestName>, ctx);
      return { ok: true, value };
    } catch (err) {
      return { ok: false, error: toErrorData(err) };
    }
  }
}
