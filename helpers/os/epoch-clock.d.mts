/** Epoch ms now, on the wall clock the kernel stamps packets and routes with (see epoch-clock.mjs). */
export function epochNow(): number;
