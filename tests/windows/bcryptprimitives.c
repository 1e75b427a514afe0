/* A stand-in for Windows' bcryptprimitives.dll, for tests under Wine only
 * (Wine 8.0 lacks it; Rust's std imports ProcessPrng from it). It is built
 * by the test setup into the Wine prefix and never shipped: Windows 10 and
 * later have the real one. */
#include <windows.h>

#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x7fffffff ? 0x7fffffff : (ULONG)len;
        if (!RtlGenRandom(data, chunk)) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
