/* reset: prints "ok start", then resets through the i8042 at once (no "done"). */
#include "runtime.h"

void guest_main(void) {
  report_ok("start");
  guest_reset();
}
