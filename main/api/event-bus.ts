import { EventEmitter } from 'node:events';
import type { EventName, EventPayloads } from '../../preload/api.ts';

type Listener = <E extends EventName>(name: E, payload: EventPayloads[E]) => void;

/**
 * Core → renderer events. Services emit typed events here; each transport subscribes once and
 * forwards everything (Electron: webContents.send, browser UI: every authenticated socket).
 */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    // Every open window/socket subscribes; more than 10 is normal for a long browser session.
    this.emitter.setMaxListeners(0);
  }

  emit<E extends EventName>(name: E, payload: EventPayloads[E]): void {
    this.emitter.emit('event', name, payload);
  }

  subscribe(listener: Listener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
