import { Counter, Gauge } from "prom-client";
import type { MetricsSource } from "../server/metrics";
import type { RollupService } from "./rollup.service";

/**
 * The rollup's gauges, set from the healer's passes (every ROLLUP_HEAL_CRON tick), never read per scrape: a scrape
 * sends no SQL. NaN until this replica's first pass (or without a scheduler).
 */
export function rollupMetrics(rollup: RollupService): MetricsSource {
  return (registry) => {
    let lag: number | null | undefined;
    new Gauge({
      name: "gateway_rollup_lag_days",
      help: "Days from the last successfully rolled-up date to yesterday (-1: never rolled up), as of the last heal pass",
      registers: [registry],
      collect() {
        this.set(lag === undefined ? Number.NaN : (lag ?? -1));
      },
    });
    const lastRun = new Gauge({
      name: "gateway_rollup_last_run_duration_seconds",
      help: "Duration of the most recent finished rollup run (any replica), as of this replica's last heal pass",
      registers: [registry],
    });
    lastRun.set(Number.NaN);
    const toHeal = new Gauge({
      name: "gateway_rollup_dates_to_heal",
      help: "Dates that need a rollup (stale, never rolled up, a failed latest run), as of this replica's last heal pass",
      registers: [registry],
    });
    toHeal.set(Number.NaN);
    const healed = new Counter({
      name: "gateway_rollup_healed_dates_total",
      help: "Dates this replica's heal passes rolled up",
      registers: [registry],
    });
    rollup.on("heal", (tick) => {
      toHeal.set(tick.toHeal);
      healed.inc(tick.healed);
      lag = tick.lagDays;
      lastRun.set(tick.lastRunSeconds ?? 0);
    });
  };
}
