import { PlatformCore1732300000000 } from "./1732300000000-PlatformCore";
import { BusinessFlows1732400000000 } from "./1732400000000-BusinessFlows";
import { LookupIndexes1732500000000 } from "./1732500000000-LookupIndexes";
import { IdempotencyClaims1732600000000 } from "./1732600000000-IdempotencyClaims";
import { RequestWinner1732700000000 } from "./1732700000000-RequestWinner";
import { PeopleSignIn1732800000000 } from "./1732800000000-PeopleSignIn";
import { VerifierKey1732900000000 } from "./1732900000000-VerifierKey";
import { SignInPerOrganization1733000000000 } from "./1733000000000-SignInPerOrganization";
import { ChainSizedMoney1733100000000 } from "./1733100000000-ChainSizedMoney";
import { DraftExecutions1733200000000 } from "./1733200000000-DraftExecutions";
import { FinancingRetries1733300000000 } from "./1733300000000-FinancingRetries";

/**
 * The schema's history so far, one migration across many modules at a time. A module added from
 * now on lists its own migrations in its index.ts; all are run in the order of their timestamps.
 */
export const PLATFORM_MIGRATIONS = [
  PlatformCore1732300000000,
  BusinessFlows1732400000000,
  LookupIndexes1732500000000,
  IdempotencyClaims1732600000000,
  RequestWinner1732700000000,
  PeopleSignIn1732800000000,
  VerifierKey1732900000000,
  SignInPerOrganization1733000000000,
  ChainSizedMoney1733100000000,
  DraftExecutions1733200000000,
  FinancingRetries1733300000000,
];
