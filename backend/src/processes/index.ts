/** The three processes: the API, the worker and the indexer (each also runs alone: src/api.ts, worker.ts, indexer.ts). */
export { startApi } from "./api";
export { startWorker } from "./worker";
export { startIndexer } from "./indexer";
