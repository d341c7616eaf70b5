import { describe, expect, it } from 'vitest';
import { inRounds, type ScenarioName } from './scenarios.js';

const pass = (names: ScenarioName[]) => names.map((name): [ScenarioName, []] => [name, []]);

describe('inRounds', () => {
  it("runs an operation's transports in rounds side by side, each in every place of a round, and the rest once", () => {
    const runs = inRounds(pass(['rooms', 'rooms-trpc', 'rooms-sdk', 'rooms-again', 'hold']), 4);
    const order = runs.map((r) => r.scenario);
    expect(order).toEqual([
      ...['rooms', 'rooms-trpc', 'rooms-sdk', 'rooms-again'],
      ...['rooms-trpc', 'rooms-sdk', 'rooms-again', 'rooms'],
      ...['rooms-sdk', 'rooms-again', 'rooms', 'rooms-trpc'],
      ...['rooms-again', 'rooms', 'rooms-trpc', 'rooms-sdk'],
      'hold',
    ]);
    // Every scenario gets the whole of its time in the pass, however it is cut.
    const time = (name: ScenarioName) => runs.filter((r) => r.scenario === name).reduce((sum, r) => sum + r.share, 0);
    for (const name of ['rooms', 'rooms-trpc', 'rooms-sdk', 'rooms-again', 'hold'] as const) expect(time(name)).toBeCloseTo(1);
  });

  it('keeps families apart and in the order the pass gives them', () => {
    const order = inRounds(pass(['availability-again', 'availability', 'contention', 'rooms']), 4).map((r) => r.scenario);
    expect(order.slice(0, 8)).toEqual(['availability-again', 'availability', 'availability', 'availability-again', 'availability-again', 'availability', 'availability', 'availability-again']);
    expect(order.slice(8)).toEqual(['contention', 'rooms']);
  });
});
