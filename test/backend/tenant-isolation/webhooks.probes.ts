import { randomUUID } from "node:crypto";
import type { BusinessWorld } from "../support/openapi-probe";
import { Findings, lists, unchanged, writesOn } from "./checks";
import { each, type ProbeTable, type Target, type TenantProbe } from "./probe";
import type { Caller, TenantName } from "./world";

/** Every member's webhook subscription or test delivery: its own only. */
function hookTargets(world: BusinessWorld, kind: "subscription" | "delivery"): Target[] {
  return Object.entries(world.hooks).map(([label, h]) => ({ what: `${label}'s ${kind}`, id: h[kind], gets: [label as TenantName] }));
}

/** Webhook subscriptions and deliveries: the organization's own, managed by its admins. */
const probes: TenantProbe[] = [
  { endpoint: "GET /v1/webhooks/event-types", run: (t) => lists(t, "/v1/webhooks/event-types", (_c, r) => ((r.body.items as unknown[]).length === 0 ? "the catalogue is empty" : false)) },
  {
    endpoint: "GET /v1/webhooks",
    run: (t) =>
      lists(t, "/v1/webhooks?includeInactive=true", (c, r) => {
        const items = r.body.items as { id: string }[];
        const own = t.world.hooks[c.party.label as keyof BusinessWorld["hooks"]]?.subscription;
        const problems = items.filter((s) => s.id !== own).map((s) => `lists subscription ${s.id}`);
        if (own && !items.some((s) => s.id === own)) problems.push("misses its own subscription");
        if (/whsec_/.test(r.text)) problems.push("shows a signing secret");
        return problems;
      }),
  },
  {
    endpoint: "POST /v1/webhooks",
    run: async (t) => {
      // the organization's events go where its admins say: a member user is refused; nothing of other subscriptions shows
      const { callers, call, world, foreignData } = t;
      const f = new Findings(t);
      await unchanged(t, "subscribe", f, async () => {
        await each(callers.filter((x) => x.role === "member"), async (c) => {
          const r = await call("POST", "/v1/webhooks", c.person.key, { url: world.receiver.url("/stolen"), events: ["*"] });
          if (r.status !== 403) f.add(`${c.name} subscribes`, `status ${r.status}`);
          f.add(`${c.name} subscribes`, foreignData(r, c.party));
        });
      });
      f.done();
    },
  },
  {
    endpoint: "GET /v1/webhooks/deliveries",
    run: async (t) => {
      const { callers, call, world } = t;
      const ownSub = (c: Caller) => world.hooks[c.party.label as keyof BusinessWorld["hooks"]]?.subscription;
      await lists(t, "/v1/webhooks/deliveries?limit=500", (c, r) => {
        const items = r.body.items as { id: string; subscriptionId: string }[];
        const problems = items.filter((d) => d.subscriptionId !== ownSub(c)).map((d) => `lists delivery ${d.id} of subscription ${d.subscriptionId}`);
        if (ownSub(c) && items.length === 0) problems.push("misses its own deliveries");
        return problems;
      });
      // filtering by another organization's subscription finds nothing; paging from another's delivery is refused as for a random id
      const f = new Findings(t);
      await each(callers, async (c) => {
        const other = (c.party.label === "bankA" ? "bankB" : "bankA") as keyof BusinessWorld["hooks"];
        const r = await call("GET", `/v1/webhooks/deliveries?subscriptionId=${world.hooks[other].subscription}`, c.person.key);
        if (r.status !== 200 || (r.body.items as unknown[]).length) f.add(`${c.name} filters by ${other}'s subscription`, `${r.status} ${r.text.slice(0, 200)}`);
        const random = randomUUID();
        const control = await call("GET", `/v1/webhooks/deliveries?after=${random}`, c.person.key);
        const page = await call("GET", `/v1/webhooks/deliveries?after=${world.hooks[other].delivery}`, c.person.key);
        f.hidden(`${c.name} pages from ${other}'s delivery`, page, control, world.hooks[other].delivery, random, c.party, [422]);
      });
      f.done();
    },
  },
  {
    endpoint: "POST /v1/webhooks/deliveries/{id}/redelivery",
    run: (t) =>
      writesOn(t, "redeliver", "POST", (id) => `/v1/webhooks/deliveries/${id}/redelivery`, undefined, hookTargets(t.world, "delivery"), { skip: (c, target) => target.gets.includes(c.party.label as TenantName) }),
  },
  {
    endpoint: "DELETE /v1/webhooks/{id}",
    run: (t) =>
      writesOn(t, "unsubscribe", "DELETE", (id) => `/v1/webhooks/${id}`, undefined, hookTargets(t.world, "subscription"), { adminOnly: true, skip: (c, target) => target.gets.includes(c.party.label as TenantName) }),
  },
  {
    endpoint: "POST /v1/webhooks/{id}/test",
    run: (t) =>
      writesOn(t, "test", "POST", (id) => `/v1/webhooks/${id}/test`, undefined, hookTargets(t.world, "subscription"), { skip: (c, target) => target.gets.includes(c.party.label as TenantName) }),
  },
];

export const webhooks: ProbeTable = { tag: "Webhooks", probes };
