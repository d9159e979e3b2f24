/** A guest problem found before or while running it (not a host bug): it cannot be linked, or an
 *  option given for it cannot be. */
export class GuestError extends Error {}
