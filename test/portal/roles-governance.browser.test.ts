import { rolesSuite } from "./support/roles-suite";

/** The settlement issuer's, the operator's and the auditor's pages (see support/roles-suite.ts). */
rolesSuite(["issuer", "operator", "auditor"]);
