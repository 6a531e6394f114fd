import { runProcess } from "./shared/process";
import { startIndexer } from "./processes/indexer";

runProcess("indexer", startIndexer);
