import hre from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";

/**
 * Hardhat's in-process network served over JSON-RPC on a free port, so that the backend (and the
 * worker child processes of the fault tests) talk to it exactly as they talk to a real node.
 */
export async function startLedgerServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = await hre.run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: hre.network.provider });
  const { port } = await server.listen();
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}
