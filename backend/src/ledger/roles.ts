/** Member role bit flags; mirror of contracts/libraries/MemberRoles.sol. */
export const MemberRole = {
  CoreEnterprise: 1,
  Supplier: 2,
  Bank: 4,
  Auditor: 8,
  SettlementIssuer: 16,
} as const;

/** Certificate states; mirror of `Status` in contracts/interfaces/LedgerTypes.sol. */
export enum ReceivableStatus {
  None = 0,
  Pending = 1,
  Confirmed = 2,
  Financed = 3,
  Split = 4,
  Settled = 5,
  Overdue = 6,
  Defaulted = 7,
  Rejected = 8,
  Cancelled = 9,
  Offered = 10,
  Void = 11,
}

/** Why an offer went back unaccepted; mirror of `OfferReturn` in contracts/interfaces/LedgerTypes.sol. */
export enum OfferReturn {
  Refused = 0,
  Withdrawn = 1,
  Expired = 2,
}
