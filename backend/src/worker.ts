import { runProcess } from "./shared/process";
import { startWorker } from "./platform";

runProcess("worker", startWorker);
