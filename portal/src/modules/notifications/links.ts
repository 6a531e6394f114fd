import type { Schemas } from "../../api/client";

export type Notification = Schemas["Notification"];

/** The page of a notification's object (the portal's routes). */
export function linkOf(o: Notification["object"]): string {
  switch (o.type) {
    case "receivable":
      return o.id ? `/receivables/${o.id}` : "/receivables";
    case "financing_request":
      return o.id ? `/financing/requests/${o.id}` : "/financing";
    case "financing":
      return o.id ? `/financing/financings/${o.id}` : "/financing/financings";
    case "draft":
      return o.id ? `/approvals#draft-${o.id}` : "/approvals";
    case "settlement":
      return "/settlement";
  }
}
