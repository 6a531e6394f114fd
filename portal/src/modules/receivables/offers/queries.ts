/**
 * Offers (待签收): certificates issued, transferred or split to an organization that wait for its
 * acceptance (incoming), and those it offered that wait for their receiver (outgoing). One query
 * per direction, shared by the inbox, its count in the navigation and the home page.
 */
import { useQuery } from "@tanstack/react-query";
import { get, type Schemas } from "../../../api/client";

export type Offer = Schemas["ReceivableOfferItem"];
export type Direction = "incoming" | "outgoing";

export const offersKey = (direction: Direction) => ["receivables", "offers", direction] as const;

/** The API's page size for offers (GET /v1/receivables/offers, limit ≤ 500). */
const PAGE = 500;

/** Every offer in `direction`, the one expiring first first (it is the one to decide first). */
export function useOffers(direction: Direction) {
  return useQuery({
    queryKey: offersKey(direction),
    queryFn: async () => {
      const items: Offer[] = [];
      for (let after: string | undefined, i = 0; i < 20; i++) {
        const page = await get("/v1/receivables/offers", { params: { query: { direction, limit: PAGE, ...(after ? { after } : {}) } } });
        items.push(...page.items);
        if (page.items.length < PAGE) break;
        after = page.items[page.items.length - 1].receivableId;
      }
      return items.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt) || a.receivableId.localeCompare(b.receivableId));
    },
    // a new offer arrives without the person doing anything: the count and the inbox read again
    refetchInterval: 20_000,
  });
}
