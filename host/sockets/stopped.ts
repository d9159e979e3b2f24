/** The runtime was stopped under a waiting guest: unwinds the guest's stack, as a signal would. */
export class GuestStopped extends Error {
  /** The exit status a stopped guest reports: 128 + SIGTERM, as a shell shows a terminated process. */
  static readonly EXIT_CODE = 143;

  constructor() {
    super("the runtime was stopped while the guest was waiting");
  }
}
