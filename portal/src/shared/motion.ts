/**
 * Whether the person asked their system for less motion: charts then draw at once instead of
 * growing into place (and a photograph of the page shows them whole).
 */
export const reducedMotion = (): boolean => typeof window !== "undefined" && window.matchMedia?.("(prefers-reduced-motion: reduce)").matches === true;
