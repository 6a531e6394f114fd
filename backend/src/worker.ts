import { runProcess } from "./shared/process";
import { startWorker } from "./processes/worker";

runProcess("worker", startWorker);
