// The metric registry as the harness's own: it lives at core/metrics.ts, below intake and the harness both (intake
// reads it to infer a task's metric, the harness to score), so neither room imports the other's insides for it.
export * from '../metrics.ts';
