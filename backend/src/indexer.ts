import { runProcess } from "./shared/process";
import { startIndexer } from "./platform";

runProcess("indexer", startIndexer);
