import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { countryCode, isCountryCode, nameKey } from '../../functions/customers/country';
import { withDerivedPhone } from '../../functions/customers/derived-phone';
import { phoneE164, phoneProblem } from '../../functions/customers/phone';
import type { Customer } from '../../functions/customers/schemas';

describe('phone numbers as people write them', () => {
  it('accepts the usual spellings', () => {
    for (const phone of [
      '26.47.1555',
      '(171) 555-2282',
      '+44 20 7946 0958',
      '030/1234567',
      '0044 20 7946 0958',
      '+44 20 7946 0958 ext. 123',
      '555-1234 x12',
      '+1 (555) 555-1234 #7',
      '1234',
    ])
      assert.equal(phoneProblem(phone), undefined, phone);
  });

  it('refuses what is clearly no phone number', () => {
    assert.match(phoneProblem('call me') ?? '', /must be a phone number: digits/);
    assert.match(phoneProblem('+44 20 7946 095O') ?? '', /must be a phone number: digits/);
    assert.match(phoneProblem('44+20') ?? '', /must be a phone number: digits/);
    assert.match(phoneProblem('++44 20 7946 0958') ?? '', /must be a phone number: digits/);
    assert.match(phoneProblem('123') ?? '', /at least 4 digits/);
    assert.match(phoneProblem('(12) -') ?? '', /at least 4 digits/);
    assert.match(phoneProblem('1'.repeat(21)) ?? '', /at most 20 digits/);
    assert.equal(phoneProblem('1'.repeat(20)), undefined, 'twenty digits, the most there may be');
  });

  it('derives E.164 in the customer’s country, or from a leading +', () => {
    assert.equal(phoneE164('(171) 555-2282', 'GB'), '+441715552282');
    assert.equal(phoneE164('020 7946 0958', 'GB'), '+442079460958');
    assert.equal(phoneE164('0044 20 7946 0958', 'GB'), '+442079460958');
    assert.equal(phoneE164('030 1234567', 'DE'), '+49301234567');
    assert.equal(phoneE164('+44 20 7946 0958', undefined), '+442079460958');
    assert.equal(phoneE164('+44 20 7946 0958', 'DE'), '+442079460958', 'a leading + wins over the country');
    assert.equal(phoneE164('+44 20 7946 0958 ext. 123', 'GB'), '+442079460958', 'without the extension');
  });

  it('derives nothing when the number is not possible there, or nothing says where it is', () => {
    assert.equal(phoneE164('26.47.1555', 'FR'), undefined, 'eight digits: no French number');
    assert.equal(phoneE164('020 7946 0958', undefined), undefined);
    assert.equal(phoneE164('020 7946 0958', 'AQ'), undefined, 'no numbering plan of its own');
    assert.equal(phoneE164('1234', 'GB'), undefined);
  });
});

describe('countries as people write them', () => {
  it('reads ISO 3166-1 alpha-2 codes in any case', () => {
    assert.equal(countryCode('DE'), 'DE');
    assert.equal(countryCode('de'), 'DE');
    assert.equal(countryCode(' gB '), 'GB');
    assert.equal(countryCode('XK'), 'XK');
  });

  it('reads English names, short names and common aliases', () => {
    const expected: Record<string, string> = {
      Germany: 'DE',
      'united kingdom': 'GB',
      UK: 'GB',
      uk: 'GB',
      USA: 'US',
      'U.S.A.': 'US',
      'United States': 'US',
      'United States of America': 'US',
      'The Netherlands': 'NL',
      Holland: 'NL',
      "Cote d'Ivoire": 'CI',
      'Côte d’Ivoire': 'CI',
      'Ivory Coast': 'CI',
      'St Kitts and Nevis': 'KN',
      'Saint Lucia': 'LC',
      'Bosnia & Herzegovina': 'BA',
      'Bosnia and Herzegovina': 'BA',
      Bosnia: 'BA',
      Türkiye: 'TR',
      Turkey: 'TR',
      'Czech Republic': 'CZ',
      'Hong Kong': 'HK',
      'South Korea': 'KR',
      'Congo - Kinshasa': 'CD',
      'Åland Islands': 'AX',
      England: 'GB',
      Kosovo: 'XK',
      // Every alias of the table, each to the code it is there for:
      'Great Britain': 'GB',
      Britain: 'GB',
      Scotland: 'GB',
      Wales: 'GB',
      'Northern Ireland': 'GB',
      'United Kingdom of Great Britain and Northern Ireland': 'GB',
      Macedonia: 'MK',
      Swaziland: 'SZ',
      Burma: 'MM',
      'Cabo Verde': 'CV',
      'East Timor': 'TL',
      Vatican: 'VA',
      'Holy See': 'VA',
      'Russian Federation': 'RU',
      'Republic of Korea': 'KR',
      'Korea, Republic of': 'KR',
      UAE: 'AE',
      'Democratic Republic of the Congo': 'CD',
      'DR Congo': 'CD',
      'Republic of the Congo': 'CG',
      'Viet Nam': 'VN',
      Macau: 'MO',
    };
    for (const [name, code] of Object.entries(expected)) assert.equal(countryCode(name), code, name);
  });

  it('refuses unknown names, withdrawn codes and regions that are not countries', () => {
    for (const input of [
      'Narnia',
      'DD',
      'SU',
      'YU',
      'EU',
      'European Union',
      'UN',
      'ZZ',
      'AA',
      'AC',
      'Germanyy',
      '',
    ])
      assert.equal(countryCode(input), undefined, input);
  });

  it('knows the 249 ISO 3166-1 codes and XK', () => {
    let count = 0;
    for (let first = 65; first <= 90; first++)
      for (let second = 65; second <= 90; second++)
        if (isCountryCode(String.fromCharCode(first, second))) count++;
    assert.equal(count, 250);
    assert.equal(isCountryCode('de'), false, 'codes are upper case here; countryCode reads any case');
  });

  it('compares names without case, accents, punctuation or a leading "the"', () => {
    assert.equal(nameKey('The Côte d’Ivoire'), nameKey("cote d'ivoire"));
    assert.equal(nameKey('St. Kitts & Nevis'), 'saint kitts and nevis');
    assert.equal(nameKey('Congo - Kinshasa'), 'congo kinshasa');
  });
});

describe('phoneE164 on a patch', () => {
  const stored: Pick<Customer, 'phone' | 'address'> = {
    phone: '020 7946 0958',
    address: { line1: '1 High St', city: 'London', country: 'GB' },
  };
  const reader = () => {
    const reads: number[] = [];
    const current = async () => {
      reads.push(1);
      return stored;
    };
    return { reads, current };
  };

  it('leaves a patch that touches neither phone nor address alone, without reading', async () => {
    const { reads, current } = reader();
    assert.deepEqual(await withDerivedPhone({ name: 'x' }, current), { name: 'x' });
    assert.equal(reads.length, 0);
  });

  it('reads the stored country for a new phone', async () => {
    const { reads, current } = reader();
    assert.deepEqual(await withDerivedPhone({ phone: '(171) 555-2282' }, current), {
      phone: '(171) 555-2282',
      phoneE164: '+441715552282',
    });
    assert.equal(reads.length, 1);
  });

  it('reads the stored phone for a new country, and removes what no longer reads as a number', async () => {
    const { current } = reader();
    const toGermany = { address: { line1: 'Hauptstr. 1', city: 'Berlin', country: 'DE' } };
    assert.deepEqual(await withDerivedPhone(toGermany, current), {
      ...toGermany,
      phoneE164: '+492079460958',
    });
    assert.deepEqual(await withDerivedPhone({ address: null }, current), { address: null, phoneE164: null });
  });

  it('needs no read when the patch says all it depends on, and removes phoneE164 with the phone', async () => {
    const { reads, current } = reader();
    const all = {
      phone: '030 1234567',
      address: { line1: 'a', city: 'b', country: 'DE' },
      contacts: [{ name: 'Ann', phone: '030 7654321' }],
    };
    assert.deepEqual(await withDerivedPhone(all, current), {
      ...all,
      phoneE164: '+49301234567',
      contacts: [{ name: 'Ann', phone: '030 7654321', phoneE164: '+49307654321' }],
    });
    assert.deepEqual(await withDerivedPhone({ phone: null }, current), { phone: null, phoneE164: null });
    assert.equal(reads.length, 0);
  });

  it('reads the stored contacts for a new country: their numbers are read there too', async () => {
    const { reads } = reader();
    const current = async () => {
      reads.push(1);
      return { ...stored, contacts: [{ name: 'Bo', phone: '030 7654321', phoneE164: '+443076543210' }] };
    };
    const both = { phone: '030 1234567', address: { line1: 'a', city: 'b', country: 'DE' } };
    assert.deepEqual(await withDerivedPhone(both, current), {
      ...both,
      phoneE164: '+49301234567',
      contacts: [{ name: 'Bo', phone: '030 7654321', phoneE164: '+49307654321' }],
    });
    assert.equal(reads.length, 1);
  });
});
