import { runProcess } from "./shared/process";
import { startApi } from "./processes/api";

runProcess("api", startApi);
