import { rolesSuite } from "./support/roles-suite";

/** The members' pages (see support/roles-suite.ts); the platform's roles are in roles-governance.browser.test.ts. */
rolesSuite(["supplier", "core", "bank"]);
