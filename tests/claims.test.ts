// Claims about KubeSphere versions no source here shows (4.2 and later) are marked "not verified" wherever they
// are made: README.md, the package's READMEs and changelogs. KubeSphere's sources available to the project end
// at v4.1.3 (kubesphere/kubesphere and kubesphere/console have no 4.2 tag in its mirror).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const DOCS = ['README.md', 'extension/README.md', 'extension/README_zh.md', 'extension/CHANGELOG.md', 'extension/CHANGELOG_zh.md'];
const UNVERIFIED = /not verified|未验证/i;

/** Paragraphs (blank-line separated; a table counts as one) that mention KubeSphere 4.2 or later. */
function claims(text: string): string[] {
  return text.split(/\n\s*\n/).filter((p) => /\b4\.(2|[3-9])\b|4\.2\+/.test(p));
}

describe('claims about KubeSphere 4.2+', () => {
  for (const doc of DOCS) {
    it(`${doc}: every paragraph about 4.2+ says it is not verified`, () => {
      const text = readFileSync(join(root, doc), 'utf8');
      const bad = claims(text).filter((p) => !UNVERIFIED.test(p));
      expect(bad).toEqual([]);
    });
  }

  it('the check finds an unmarked claim', () => {
    expect(claims('KubeSphere 4.2 removed the project mount point.').filter((p) => !UNVERIFIED.test(p))).toHaveLength(1);
    expect(claims('| a | 4.2 and later (not verified) |').filter((p) => !UNVERIFIED.test(p))).toHaveLength(0);
  });
});
