/**
 * The job layer: what a command or an API call runs. Each job is a typed function — a request in
 * (no command-line flag names), a typed result out with the files it wrote, its notes and the run's
 * record — reporting progress through one callback type and stopped through an `AbortSignal`
 * (`JobContext`). The CLI and the server call jobs and nothing deeper; jobs are the only library
 * code that writes files.
 */
import { runDetect } from './detect.js';
import { runEvaluate } from './evaluate.js';
import { runExplain } from './explain.js';
import { runPredict } from './predict.js';
import { runScreen } from './screen.js';
import { runSimulate } from './simulate.js';
import { runTrain } from './train.js';

export { runDetect, type DetectRequest, type DetectResult } from './detect.js';
export { runEvaluate, type EvaluateRequest, type EvaluateResult } from './evaluate.js';
export { runExplain, type ExplainJobResult, type ExplainRequest } from './explain.js';
export { runPredict, type PhotoPrediction, type PredictRequest, type PredictResult } from './predict.js';
export {
  runScreen,
  SCREEN_EXPLANATIONS,
  type ScreenExplanation,
  type ScreenJobResult,
  type ScreenRequest,
  type ScreenResult,
} from './screen.js';
export {
  EARLIER_RUNS,
  MANIFEST_COLUMNS,
  runSimulate,
  type SimulateRequest,
  type SimulateResult,
} from './simulate.js';
export { readSourcePhotos, type SourcePhoto } from './simulate-inputs.js';
export {
  DEFAULT_FEATURE_SETS,
  runTrain,
  type ExclusionReason,
  type ParticipantFlow,
  type TrainRequest,
  type TrainResult,
} from './train.js';
export { prepareBundleDir, saveBundle } from './bundle-write.js';
export { DEFAULT_MODEL, defaultCachePath, type CacheRequest, type ModelRequest } from './resources.js';
export type { JobContext, JobOutput, JobProgress, RunInfo } from './run.js';

/** Every job by name (as the CLI's subcommands and the server's routes name them). */
export const JOBS = {
  detect: runDetect,
  screen: runScreen,
  predict: runPredict,
  train: runTrain,
  evaluate: runEvaluate,
  explain: runExplain,
  simulate: runSimulate,
} as const;
export type JobName = keyof typeof JOBS;
export type JobRequest<N extends JobName> = Parameters<(typeof JOBS)[N]>[0];
export type JobResult<N extends JobName> = Awaited<ReturnType<(typeof JOBS)[N]>>;
export * from './vocabulary.js';
export { createScreener, type Screener, type ScreenerOptions } from './screener.js';
export type { ChosenReferenceGroup, ReferenceGroup, ReferenceSource } from './photo-scores.js';
