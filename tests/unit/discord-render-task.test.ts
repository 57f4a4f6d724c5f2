// The task card and the choice messages rendered for Discord stay within its limits at their largest (five buttons a
// row, five rows, 80-character labels, 100-character custom ids, 2000 characters of content) and keep every button.
import { describe, expect, it } from 'vitest';
import { DISCORD_LIMITS } from '../../adapters/discord/limits.ts';
import { renderDiscordMessage } from '../../adapters/discord/render-components.ts';
import { largestTaskMessages } from '../helpers/task-messages.ts';

describe('the task card and choices in Discord', () => {
  for (const { name, message, buttons } of largestTaskMessages()) {
    it(`${name}: within Discord's limits, every button kept`, () => {
      const out = renderDiscordMessage(message);
      expect(out.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
      expect(out.content).not.toContain('not shown as buttons');
      expect(out.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.rows);
      const all = out.components.flatMap((row) => row.components);
      expect(all).toHaveLength(buttons);
      for (const row of out.components)
        expect(row.components.length).toBeLessThanOrEqual(DISCORD_LIMITS.buttonsPerRow);
      for (const b of all) {
        expect(b.label?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.buttonLabel);
        expect(b.custom_id.length).toBeLessThanOrEqual(DISCORD_LIMITS.customId);
      }
      expect(new Set(all.map((b) => b.custom_id)).size).toBe(all.length);
      const embedChars = out.embeds.reduce((n, e) => n + (e.description?.length ?? 0), 0);
      expect(embedChars).toBeLessThanOrEqual(DISCORD_LIMITS.embedsTotal);
    });
  }
});
