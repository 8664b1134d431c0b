// Data of the demo shop. Identifiers are fake but well-formed: the SIREN/SIRET pass the Luhn check,
// the VAT number carries the right key, every EAN-13 has a valid check digit.

export const DEMO_STORE = {
  id: 'demo-store-paris',
  name: 'Comptoir Saint-Martin',
  address: '42 rue du Faubourg Saint-Martin, 75010 Paris',
  siret: '91234567500017',
  vat_number: 'FR65912345675',
  timezone: 'Europe/Paris',
  code: 'S01',
};

export const DEMO_CASHIERS = [
  { id: 'demo-cashier-marie', login: 'marie', displayName: 'Marie Dubois', pin: '1234' },
  { id: 'demo-cashier-lucas', login: 'lucas', displayName: 'Lucas Martin', pin: '2345' },
  { id: 'demo-cashier-chloe', login: 'chloe', displayName: 'Chloé Bernard', pin: '3456' },
];

export const DEMO_CUSTOMERS = [
  { id: 'demo-customer-01', name: 'Camille Laurent', email: 'camille.laurent@example.fr', phone: '0601020304' },
  { id: 'demo-customer-02', name: 'Julien Moreau', email: 'julien.moreau@example.fr', phone: '0611223344' },
  { id: 'demo-customer-03', name: 'Sophie Lefèvre', email: 'sophie.lefevre@example.fr', phone: null },
  { id: 'demo-customer-04', name: 'Thomas Roux', email: null, phone: '0622334455' },
  { id: 'demo-customer-05', name: 'Emma Fournier', email: 'emma.fournier@example.fr', phone: '0633445566' },
  { id: 'demo-customer-06', name: 'Hugo Girard', email: 'hugo.girard@example.fr', phone: null },
  { id: 'demo-customer-07', name: 'Léa Bonnet', email: 'lea.bonnet@example.fr', phone: '0644556677' },
  { id: 'demo-customer-08', name: 'Nathan Dupont', email: null, phone: '0655667788' },
  { id: 'demo-customer-09', name: 'Manon Lambert', email: 'manon.lambert@example.fr', phone: '0666778899' },
  { id: 'demo-customer-10', name: 'Café des Artistes (SARL)', email: 'compta@cafe-artistes.example.fr', phone: '0142000000' },
];

/** EAN-13 check digit of 12 digits. */
export function ean13CheckDigit(twelve: string): number {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(twelve[i]) * (i % 2 === 0 ? 1 : 3);
  return (10 - (sum % 10)) % 10;
}

export function isValidEan13(code: string): boolean {
  return /^[0-9]{13}$/.test(code) && ean13CheckDigit(code.slice(0, 12)) === Number(code[12]);
}

type Family = { category: string; prefix: string; vatRate: number; items: [string, number][]; variants: string[] };

// VAT: bakery 5.5 %, snacks/restaurant 10 %, general goods 20 %, press 2.1 %.
const FAMILIES: Family[] = [
  {
    category: 'Boulangerie',
    prefix: 'BOU',
    vatRate: 550,
    items: [['Baguette tradition', 130], ['Pain de campagne', 320], ['Croissant', 120], ['Pain au chocolat', 135], ['Pain aux raisins', 160], ['Chausson aux pommes', 170], ['Brioche', 290], ['Pain complet', 280], ['Ficelle', 110], ['Pain aux céréales', 340]],
    variants: ['', ' bio', ' x4', ' (veille)', ' maxi'],
  },
  {
    category: 'Épicerie',
    prefix: 'EPI',
    vatRate: 550,
    items: [['Pâtes fusilli 500 g', 149], ['Riz basmati 1 kg', 329], ['Huile d’olive 75 cl', 899], ['Confiture fraise', 345], ['Café moulu 250 g', 459], ['Thé vert 20 sachets', 289], ['Farine T55 1 kg', 119], ['Sucre 1 kg', 139], ['Lentilles vertes 500 g', 249], ['Chocolat noir 70 %', 229]],
    variants: ['', ' bio', ' (lot de 2)', ' premium', ' marque repère'],
  },
  {
    category: 'Snacking',
    prefix: 'SNA',
    vatRate: 1000,
    items: [['Sandwich jambon-beurre', 450], ['Sandwich poulet crudités', 520], ['Quiche lorraine', 480], ['Salade César', 690], ['Croque-monsieur', 490], ['Café expresso', 150], ['Cappuccino', 320], ['Wrap végétarien', 560], ['Part de pizza', 390], ['Soupe du jour', 450]],
    variants: ['', ' formule', ' grand format', ' à emporter'],
  },
  {
    category: 'Droguerie',
    prefix: 'DRO',
    vatRate: 2000,
    items: [['Liquide vaisselle', 249], ['Éponges x3', 189], ['Sacs poubelle 30 L', 299], ['Lessive 1,5 L', 799], ['Papier toilette x6', 399], ['Essuie-tout x2', 289], ['Savon de Marseille', 259], ['Dentifrice', 219], ['Shampooing', 349], ['Piles AA x4', 599]],
    variants: ['', ' éco', ' (lot de 2)', ' grand format'],
  },
  {
    category: 'Boissons',
    prefix: 'BOI',
    vatRate: 2000,
    items: [['Soda cola 33 cl', 120], ['Eau gazeuse 1 L', 95], ['Jus d’orange 1 L', 289], ['Bière blonde 25 cl', 180], ['Vin rouge Côtes-du-Rhône', 790], ['Limonade artisanale', 260], ['Thé glacé 50 cl', 190], ['Cidre brut 75 cl', 450], ['Sirop de menthe', 320], ['Eau plate 1,5 L', 70]],
    variants: ['', ' (pack de 6)', ' bio', ' zéro'],
  },
  {
    category: 'Presse',
    prefix: 'PRE',
    vatRate: 210,
    items: [['Le Quotidien de Paris', 290], ['Hebdo Actualités', 450], ['Magazine Cuisine', 590], ['Journal des Sports', 220], ['Revue Jardinage', 650], ['Magazine Télé', 250], ['Mensuel Sciences', 690], ['Journal Économique', 350], ['Magazine Enfants', 550], ['Gazette du Quartier', 150]],
    variants: ['', ' (hors-série)'],
  },
];

export interface DemoProduct {
  sku: string;
  label: string;
  priceCents: number;
  vatRate: number;
  category: string;
  barcode: string;
  stock: number;
}

/** ~200 products, deterministic (same SKUs, barcodes and stock on every seed). */
export function demoProducts(): DemoProduct[] {
  const out: DemoProduct[] = [];
  let serial = 0;
  for (const f of FAMILIES) {
    let n = 0;
    for (const variant of f.variants) {
      for (const [label, price] of f.items) {
        n++;
        serial++;
        const twelve = `376${String(1000000 + serial * 7).padStart(9, '0')}`.slice(0, 12);
        const factor = variant.includes('lot') || variant.includes('pack') || variant.includes('x4') ? 2 : 1;
        const bump = variant === '' ? 0 : variant.includes('bio') || variant.includes('premium') ? 60 : 30;
        out.push({
          sku: `${f.prefix}-${String(n).padStart(3, '0')}`,
          label: `${label}${variant}`,
          priceCents: price * factor + bump,
          vatRate: f.vatRate,
          category: f.category,
          barcode: `${twelve}${ean13CheckDigit(twelve)}`,
          stock: 20 + ((serial * 37) % 180),
        });
      }
    }
  }
  return out;
}
