/** Captures every console line written until vi.restoreAllMocks(), to check what gets logged. */
import { vi } from 'vitest'

export function captureConsole(): string[] {
  const lines: string[] = []
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '))
    })
  }
  return lines
}
