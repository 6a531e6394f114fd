/** The English catalogues by namespace: a chunk of their own, loaded when English is chosen. */
import { byNamespace } from "./catalogue";

export default byNamespace(import.meta.glob<Record<string, string>>("./en/*.json", { eager: true, import: "default" }));
