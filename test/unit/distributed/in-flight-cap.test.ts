import { describe, expect, it } from 'vitest';
import { InFlightCap } from '../../../main/distributed/in-flight-cap.ts';
import { CoordinatorSwitch } from '../../../main/distributed/coordinator-switch.ts';

describe('in-flight attempts follow the live workers', () => {
  it('two per job slot, at least 2, at most the setting', () => {
    expect(InFlightCap.slotsFor(0, 32)).toBe(2); // no worker yet: jobs wait in the queue for one
    expect(InFlightCap.slotsFor(1, 32)).toBe(2);
    expect(InFlightCap.slotsFor(8, 32)).toBe(16);
    expect(InFlightCap.slotsFor(40, 32)).toBe(32);
    expect(InFlightCap.slotsFor(3, 1)).toBe(1);
  });

  it('without a coordinator the switch allows the local GPU slots; while applying, none', async () => {
    const sw = new CoordinatorSwitch({ localSlots: 1 });
    await sw.apply(null);
    expect(sw.slots()).toBe(1);
    expect(sw.state()).toEqual({ active: false, error: null, applying: null });
    // A target that cannot start: reported, generation stays local, and the cap comes back.
    let during = -1;
    await sw.apply({
      key: 'bad',
      start: () => {
        during = sw.slots();
        return Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1'));
      },
    });
    expect(during).toBe(0);
    expect(sw.slots()).toBe(1);
    expect(sw.state()).toMatchObject({ active: false, applying: null });
    expect(sw.state().error).toMatch(/ECONNREFUSED/);
    await sw.close();
  });
});
