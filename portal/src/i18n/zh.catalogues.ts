/** The Chinese catalogues by namespace. Chinese is the default: they are part of the entry chunk. */
import { byNamespace } from "./catalogue";

export default byNamespace(import.meta.glob<Record<string, string>>("./zh/*.json", { eager: true, import: "default" }));
