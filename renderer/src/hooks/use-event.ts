import { useEffect, useRef } from 'react';
import type { EventName, EventPayloads } from '../../../preload/api.ts';
import { subscribe } from '../api.ts';

/** Subscribes to a pushed event for the component's lifetime; the latest listener is always used. */
export function useEvent<E extends EventName>(name: E, listener: (payload: EventPayloads[E]) => void): void {
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => subscribe(name, (p) => ref.current(p)), [name]);
}
