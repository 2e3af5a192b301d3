package dev.modelyard.infra.gpu;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;

/** Whether this test machine has NVIDIA's driver library, asked of the dynamic loader directly. */
final class NvidiaLibrary {

  private NvidiaLibrary() {}

  static boolean present() {
    try (Arena arena = Arena.ofConfined()) {
      SymbolLookup.libraryLookup(Nvml.LIBRARY, arena);
      return true;
    } catch (IllegalArgumentException notFound) {
      return false;
    }
  }

  static boolean absent() {
    return !present();
  }
}
