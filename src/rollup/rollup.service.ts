import type { Config } from "../config";
import type { Database } from "../db/database";
import type { Logger } from "../logger";

/** Placeholder until the rollup lands: the scheduler and runs of the daily rollup. */
export class RollupService {
  constructor(
    readonly deps: { db: Database; log: Logger; config: Config["rollup"]; replicaId: string },
  ) {}

  start(): void {}

  async stop(): Promise<void> {}
}
