// What the accounts of a process share: the bytes of bodies held at once (docs/spec.md E8) and
// the connection pairs open at once over fast links. Created by the composition root and passed
// down; a caller that gives none (a test, a library use) gets fresh ones per run.
import { ByteBudget, DEFAULT_BYTES_IN_FLIGHT } from './byteBudget.ts';
import { DEFAULT_FAST_LINK_LANES, LanePermits } from './lanePermits.ts';

export interface EngineResources {
  budget: ByteBudget;
  lanePermits: LanePermits;
}

/** Resources with the default limits; `onHold` hears of every share of the byte budget. */
export function createEngineResources(onHold?: (bytes: number) => void): EngineResources {
  return {
    budget: new ByteBudget(DEFAULT_BYTES_IN_FLIGHT, onHold),
    lanePermits: new LanePermits(DEFAULT_FAST_LINK_LANES),
  };
}
