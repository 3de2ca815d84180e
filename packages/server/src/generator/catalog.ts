/** The fictional shop the generator's visitors browse: products, traffic sources, devices, places. */

export const SHOP_HOST = 'shop.example.com';
export const APP_ID = 'shop-web';
export const CURRENCY = 'EUR';

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  /** Price in cents, so totals add up exactly. */
  readonly cents: number;
  readonly brand: string;
}

const PRODUCTS_BY_CATEGORY: Record<string, Array<[string, number, string]>> = {
  shoes: [['Red Shoe', 5999, 'Stride'], ['Trail Runner', 8950, 'Peak'], ['Canvas Sneaker', 3900, 'Stride'], ['Leather Boot', 12900, 'Oakline'], ['Sandal', 2499, 'Sunday']],
  bags: [['Weekender Bag', 11000, 'Oakline'], ['Tote', 2999, 'Sunday'], ['Backpack', 6450, 'Peak'], ['Crossbody Bag', 4599, 'Oakline']],
  hats: [['Wool Beanie', 1999, 'Peak'], ['Straw Hat', 2450, 'Sunday'], ['Baseball Cap', 1599, 'Stride']],
  jackets: [['Rain Jacket', 9900, 'Peak'], ['Denim Jacket', 7900, 'Oakline'], ['Down Parka', 19900, 'Peak'], ['Linen Blazer', 14500, 'Oakline']],
  accessories: [['Leather Belt', 3499, 'Oakline'], ['Sunglasses', 5900, 'Sunday'], ['Wool Scarf', 2799, 'Peak'], ['Socks 3-pack', 1299, 'Stride']],
};

export const CATEGORIES = Object.keys(PRODUCTS_BY_CATEGORY);

export const PRODUCTS: readonly Product[] = Object.entries(PRODUCTS_BY_CATEGORY).flatMap(([category, items], c) =>
  items.map(([name, cents, brand], i) => ({ id: `SKU-${c + 1}${String(i + 1).padStart(2, '0')}`, name, category, cents, brand })),
);

export const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

export interface Campaign {
  readonly source: string;
  readonly medium: string;
  readonly campaign: string;
  readonly term?: string;
  readonly content?: string;
  /** Click id parameter and the network Enrich names for it. */
  readonly clickId?: { param: 'gclid' | 'msclkid'; network: 'Google' | 'Microsoft' };
  /** Where the visitor came from, when the medium has a referring page. */
  readonly referrer?: string;
  /** Category the campaign lands on. */
  readonly landing: string;
}

export const CAMPAIGNS: readonly Campaign[] = [
  { source: 'newsletter', medium: 'email', campaign: 'spring_sale', content: 'hero_banner', landing: 'shoes' },
  { source: 'newsletter', medium: 'email', campaign: 'new_arrivals', content: 'footer_link', landing: 'jackets' },
  { source: 'google', medium: 'cpc', campaign: 'brand_search', term: 'example shop', clickId: { param: 'gclid', network: 'Google' }, referrer: 'https://www.google.com/', landing: 'shoes' },
  { source: 'google', medium: 'cpc', campaign: 'rain_jackets', term: 'waterproof jacket', clickId: { param: 'gclid', network: 'Google' }, referrer: 'https://www.google.com/', landing: 'jackets' },
  { source: 'bing', medium: 'cpc', campaign: 'bags_generic', term: 'leather bag', clickId: { param: 'msclkid', network: 'Microsoft' }, referrer: 'https://www.bing.com/', landing: 'bags' },
  { source: 'instagram', medium: 'social', campaign: 'summer_hats', content: 'story_1', referrer: 'https://l.instagram.com/', landing: 'hats' },
];

export interface Referrer {
  readonly url: (term: string) => string;
  readonly medium: 'search' | 'social' | 'unknown';
  readonly source: string;
  readonly hasTerm: boolean;
}

export const SEARCH_TERMS = ['red shoes', 'trail running shoes', 'leather boots', 'rain jacket', 'tote bag', 'wool beanie', 'sunglasses'];

export const REFERRERS: readonly Referrer[] = [
  { url: (q) => `https://www.google.com/search?q=${q.replace(/ /g, '+')}`, medium: 'search', source: 'Google', hasTerm: true },
  { url: (q) => `https://www.bing.com/search?q=${q.replace(/ /g, '+')}`, medium: 'search', source: 'Bing', hasTerm: true },
  { url: (q) => `https://duckduckgo.com/?q=${q.replace(/ /g, '+')}`, medium: 'search', source: 'DuckDuckGo', hasTerm: true },
  { url: () => 'https://www.facebook.com/', medium: 'social', source: 'Facebook', hasTerm: false },
  { url: () => 'https://www.reddit.com/r/malefashionadvice/', medium: 'social', source: 'Reddit', hasTerm: false },
  { url: () => 'https://blog.example.org/best-boots-2025', medium: 'unknown', source: '', hasTerm: false },
];

export interface Device {
  readonly useragent: string;
  readonly screen: readonly [number, number];
  readonly viewport: readonly [number, number];
}

export const DEVICES: readonly Device[] = [
  { useragent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', screen: [1920, 1080], viewport: [1280, 720] },
  { useragent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36', screen: [2560, 1440], viewport: [1600, 900] },
  { useragent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0', screen: [1366, 768], viewport: [1350, 650] },
  { useragent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', screen: [390, 844], viewport: [390, 664] },
  { useragent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36', screen: [412, 915], viewport: [412, 780] },
  { useragent: 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1', screen: [1024, 1366], viewport: [1024, 1200] },
];

export interface Place {
  readonly country: string;
  readonly region: string;
  readonly regionName: string;
  readonly city: string;
  readonly zipcode: string;
  readonly latitude: number;
  readonly longitude: number;
  readonly timezone: string;
  readonly lang: string;
}

export const PLACES: readonly Place[] = [
  { country: 'GB', region: 'ENG', regionName: 'England', city: 'London', zipcode: 'EC1A', latitude: 51.5164, longitude: -0.093, timezone: 'Europe/London', lang: 'en-GB' },
  { country: 'GB', region: 'SCT', regionName: 'Scotland', city: 'Edinburgh', zipcode: 'EH1', latitude: 55.9521, longitude: -3.1965, timezone: 'Europe/London', lang: 'en-GB' },
  { country: 'FR', region: 'IDF', regionName: 'Ile-de-France', city: 'Paris', zipcode: '75001', latitude: 48.8607, longitude: 2.3387, timezone: 'Europe/Paris', lang: 'fr-FR' },
  { country: 'DE', region: 'BE', regionName: 'Land Berlin', city: 'Berlin', zipcode: '10117', latitude: 52.5167, longitude: 13.3833, timezone: 'Europe/Berlin', lang: 'de-DE' },
  { country: 'NL', region: 'NH', regionName: 'North Holland', city: 'Amsterdam', zipcode: '1012', latitude: 52.3731, longitude: 4.8922, timezone: 'Europe/Amsterdam', lang: 'nl-NL' },
  { country: 'US', region: 'NY', regionName: 'New York', city: 'New York', zipcode: '10001', latitude: 40.7506, longitude: -73.9972, timezone: 'America/New_York', lang: 'en-US' },
  { country: 'US', region: 'CA', regionName: 'California', city: 'San Francisco', zipcode: '94103', latitude: 37.7725, longitude: -122.4091, timezone: 'America/Los_Angeles', lang: 'en-US' },
];

export const PAYMENT_METHODS = ['card', 'paypal', 'apple_pay', 'klarna'];
