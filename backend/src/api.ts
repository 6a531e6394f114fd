import { runProcess } from "./shared/process";
import { startApi } from "./platform";

runProcess("api", startApi);
