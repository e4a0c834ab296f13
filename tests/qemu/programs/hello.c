#include <harbor/sys.h>
int main(void) {
  hb_debug_write("hello from ring 3\n", 18);
  return 0;
}
