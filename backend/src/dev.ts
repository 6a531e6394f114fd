import { runProcess } from "./shared/process";
import { startApi, startIndexer, startWorker } from "./processes";

/** Development: API, worker and indexer in one process. */
runProcess("dev", async (config, log) => {
  const api = await startApi(config, log.child({ process: "api" }));
  const worker = await startWorker(config, log.child({ process: "worker" }));
  const indexer = await startIndexer(config, log.child({ process: "indexer" }));
  return {
    done: indexer.done,
    close: async () => {
      await api.close();
      await worker.close();
      await indexer.close();
    },
  };
});
