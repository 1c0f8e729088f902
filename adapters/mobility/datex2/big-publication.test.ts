/** A large publication streams in bounded memory and time, in Translations of at most DATEX2_BATCH entities. */
import { DATEX2_BATCH } from '../index';
import { handleStream } from '../test-support.fixture';
import { bigPublication, VALUES_WITH_DATA_PER_SITE } from './big-publication.fixture';
import { parseDatex2Stream } from './parse';

describe('big publication (~5 MB)', () => {
  it('parses every site (its speed is measured by npm run bench, not here)', async () => {
    const { stream, sites } = bigPublication(5 * 1024 * 1024);
    let records = 0;
    for await (const r of parseDatex2Stream(stream)) {
      expect(r.record.kind).toBe('siteMeasurements');
      records++;
    }
    expect(records).toBe(sites());
    expect(records).toBeGreaterThan(1500);
  });

  it('handleStream yields batches of at most DATEX2_BATCH entities, covering every value with data', async () => {
    const { stream, sites } = bigPublication(5 * 1024 * 1024);
    const translations = await handleStream(stream);
    expect(Math.max(...translations.map((t) => t.entities.length))).toBeLessThanOrEqual(DATEX2_BATCH);
    expect(translations.reduce((n, t) => n + t.entities.length, 0)).toBe(sites() * VALUES_WITH_DATA_PER_SITE);
    expect(translations.every((t) => t.mode === 'merge')).toBe(true);
  });
});
