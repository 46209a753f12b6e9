import type { EnvironmentContext, JestEnvironmentConfig } from "@jest/environment";
import { TestEnvironment } from "jest-environment-node";

/** Far from UTC and from every zone the local-time oracles ask for, with no DST: any reading of it shows. */
export const FOREIGN_HOST_TIME_ZONE = "Pacific/Honolulu";

/**
 * Jest's node environment with the worker process's own zone set to FOREIGN_HOST_TIME_ZONE for one test file
 * (`@jest-environment ./src/test/foreign-time-zone.environment.ts` in its docblock), restored at teardown. A test
 * file sees a copy of process.env, so setting TZ there changes nothing; this runs outside the sandbox, where Node
 * resets its zone when TZ is assigned, so the in-process gateway, node-postgres' parsing and every Date follow it.
 */
export default class ForeignTimeZoneEnvironment extends TestEnvironment {
  private readonly hostTimeZone = process.env.TZ;

  constructor(config: JestEnvironmentConfig, context: EnvironmentContext) {
    super(config, context);
    process.env.TZ = FOREIGN_HOST_TIME_ZONE;
    this.global.process.env.TZ = FOREIGN_HOST_TIME_ZONE;
  }

  async teardown(): Promise<void> {
    if (this.hostTimeZone === undefined) delete process.env.TZ;
    else process.env.TZ = this.hostTimeZone;
    await super.teardown();
  }
}
