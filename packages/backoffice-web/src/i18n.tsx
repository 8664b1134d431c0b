import { createContext, useContext } from 'react';
import type { Lang } from './format';

// French by default, English available. Every visible string comes from here.
const fr = {
  appName: 'Comptoir — back office',
  username: 'Identifiant', password: 'Mot de passe', login: 'Se connecter', logout: 'Se déconnecter', loginFailed: 'Connexion refusée',
  nav: { dashboard: 'Tableau de bord', fleet: 'Caisses', documents: 'Documents', catalog: 'Catalogue', stock: 'Stock', customers: 'Clients', users: 'Utilisateurs', review: 'À vérifier', closures: 'Clôtures', accounting: 'Comptabilité' },
  mode: { connected: 'Connectée', autonomous: 'Autonome', reintegrating: 'Réintégration', unknown: 'Jamais vue' },
  fleet: {
    title: 'Parc de caisses', register: 'Caisse', store: 'Magasin', mode: 'Mode', lastSeen: 'Dernier contact', waiting: 'En attente',
    lastCopy: 'Dernière copie SOS', checksum: 'Empreinte', tamper: 'Alertes', schedule: 'Planification des copies',
    silent: 'Sans nouvelles depuis', staleCopy: 'Copie ancienne', noCopy: 'Aucune copie', copyNow: 'Copier maintenant',
    cut: 'Couper le lien', restore: 'Rétablir le lien', linkDown: 'Lien coupé (démo)', prepare: 'Préparer une coupure prévue',
    prepareHelp: 'Copie SOS vérifiée de toutes les caisses du magasin, maintenant.', edit: 'Modifier', save: 'Enregistrer', cancel: 'Annuler',
    addLine: 'Ajouter une heure', cronHelp: 'Expressions cron (secondes facultatives), une par ligne.', invalidCron: 'Expression invalide',
    saved: 'Planification enregistrée', inferred: 'déduit : pas de nouvelles', copyRequested: 'Copie demandée', results: 'Résultats par caisse',
    version: 'Version', protocol: 'protocole', unknownVersion: 'ancienne (non déclarée)', mixedVersions: 'Versions différentes dans le parc (déploiement en cours) :',
  },
  docs: {
    title: 'Documents', all: 'Tous', store: 'Magasin', register: 'Caisse', customer: 'Client', from: 'Du', to: 'Au', offline: 'Vendu hors ligne',
    anomalies: 'Anomalies', number: 'N°', soldAt: 'Vendu le', integratedAt: 'Intégré le', delay: 'Délai', total: 'Total', kind: 'Type',
    sale: 'Vente', return: 'Retour', yes: 'Oui', no: 'Non', none: 'Aucun document', lines: 'Lignes', payments: 'Règlements', vat: 'TVA',
    signature: 'Signature', chain: 'Position dans la chaîne', prev: 'Signature précédente', head: 'Dernier numéro reçu', invoice: 'Facture PDF',
    qty: 'Qté', unit: 'PU', label: 'Article', rate: 'Taux', base: 'Base HT', vatAmount: 'TVA', back: 'Retour', cashier: 'Caissier',
    invoiceFor: 'Facturer à', filter: 'Filtrer', reset: 'Effacer', prev_page: 'Précédent', next_page: 'Suivant', documentsOf: 'Documents du client',
    reviewed: 'Vérifié par',
  },
  catalog: {
    title: 'Catalogue', search: 'Rechercher (libellé, SKU, code-barres)', sku: 'SKU', label: 'Libellé', price: 'Prix TTC', vat: 'TVA', category: 'Catégorie',
    barcodes: 'Codes-barres', import: 'Importer un CSV', export: 'Exporter en CSV', importing: 'Import en cours', rejected: 'Lignes refusées',
    line: 'Ligne', reasons: 'Raisons', created: 'créés', updated: 'mis à jour', done: 'Import terminé', newProduct: 'Nouveau produit', create: 'Créer',
    categories: 'Catégories', invalidPrice: 'Prix invalide', csvHelp: 'Colonnes : sku;label;priceCents;vatRate;category;barcodes (prix en centimes, TVA en points de base : 2000 = 20 %, codes séparés par |).',
  },
  stock: {
    title: 'Stock', quantity: 'Quantité', ledger: 'Mouvements', reception: 'Réception de marchandise', adjustment: 'Ajustement', reason: 'Motif',
    delta: 'Écart', date: 'Date', kind: 'Nature', by: 'Par', note: 'Note', receive: 'Réceptionner', adjust: 'Ajuster',
    reasons: { sale: 'Vente', return: 'Retour', reception: 'Réception', adjustment: 'Ajustement' },
  },
  customers: { title: 'Clients', name: 'Nom', email: 'E-mail', phone: 'Téléphone', create: 'Créer le client', newCustomer: 'Nouveau client', search: 'Rechercher' },
  users: {
    title: 'Utilisateurs', username: 'Identifiant', displayName: 'Nom affiché', role: 'Rôle', active: 'Actif', pin: 'Code PIN', hasPin: 'PIN défini',
    newUser: 'Nouvel utilisateur', create: 'Créer', newPin: 'Nouveau PIN', newPassword: 'Nouveau mot de passe', deactivate: 'Désactiver', activate: 'Réactiver',
    roles: { admin: 'Administrateur', manager: 'Gérant', cashier: 'Caissier' }, adminOnly: 'Réservé aux administrateurs.',
  },
  outage: {
    line: (register: string, since: string | null) => `${register} sans contact ${since ? `depuis ${since}` : 'depuis sa mise en service'} — chiffres incomplets`,
    pendingUnknown: (last: number) => `inconnu (dernier connu : ${last})`,
    incomplete: 'Chiffres peut-être incomplets : caisses sans contact :',
  },
  dash: { title: "Ventes du jour", tickets: 'Tickets', total: "Chiffre d'affaires", perHour: 'Par heure', offline: 'Tickets hors ligne', delayAvg: 'Délai moyen d’intégration', delayMax: 'Délai max', date: 'Jour' },
  closures: {
    title: 'Clôtures (Z)', register: 'Caisse', number: 'Z n°', date: 'Période', tickets: 'Tickets', total: 'Total TTC',
    grandTotal: 'Grand total perpétuel', vat: 'TVA', integrated: 'Intégrée le', all: 'Toutes les caisses', empty: 'Aucune clôture reçue',
    periods: { day: 'Jour', month: 'Mois', year: 'Année' },
    archives: 'Archives mensuelles', download: 'Télécharger',
    archivesHint: 'Chaque mois clôturé est archivé par la caisse (enregistrements signés et chaînés) ; le fichier se vérifie seul avec « comptoir verify --archive FICHIER ».',
  },
  accounting: {
    title: 'Comptabilité', from: 'Du', to: 'Au', csv: 'Journal des ventes (CSV)', fec: 'FEC (fichier des écritures comptables)',
    day: 'Jour', tickets: 'Tickets', sales: 'Ventes TTC', returns: 'Retours TTC', net: 'Net TTC', base: 'HT', vat: 'TVA', total: 'Total',
    difference: 'Écart de caisse', open: 'non clôturé', drawers: 'Écarts de caisse par caisse et par jour', register: 'Caisse',
    expected: 'Attendu', counted: 'Compté', notCounted: 'non compté', chart: 'Plan de comptes du magasin', save: 'Enregistrer le plan',
    chartHelp: 'Comptes utilisés par le FEC. Par défaut : 707 ventes par taux, 44571 TVA collectée par taux, 530 caisse, 5115 cartes, 5112 chèques, 658/758 écarts de caisse.',
    key: 'Usage', account: 'Compte', label: 'Libellé', default: 'par défaut',
    methods: { cash: 'Espèces', card: 'Carte', cheque: 'Chèque' } as Record<string, string>,
    keyLabel: (key: string) => {
      const [kind, arg] = key.split(':');
      if (kind === 'sales') return `Ventes ${Number(arg) / 100} %`.replace('.', ',');
      if (kind === 'vat') return `TVA collectée ${Number(arg) / 100} %`.replace('.', ',');
      if (kind === 'payment') return `Règlement ${({ cash: 'espèces', card: 'carte', cheque: 'chèque' } as Record<string, string>)[arg!] ?? arg}`;
      return kind === 'cash_short' ? 'Écart de caisse (manquant)' : 'Écart de caisse (excédent)';
    },
  },
  review: { title: 'Tickets à vérifier', open: 'À traiter', acknowledged: 'Traités', acknowledge: 'Marquer comme vérifié', by: 'Vérifié par', at: 'Le', note: 'Note', empty: 'Rien à vérifier' },
  anomaly: { price_differs: 'Prix différent du prix central', unknown_product: 'Produit inconnu', negative_stock: 'Stock négatif', totals_mismatch: 'Totaux incohérents' } as Record<string, string>,
  saved: 'Enregistré', error: 'Erreur', loading: 'Chargement…', unavailable: 'Indisponible',
};
export type Messages = typeof fr;

const en: Messages = {
  appName: 'Comptoir — back office',
  username: 'Username', password: 'Password', login: 'Log in', logout: 'Log out', loginFailed: 'Login refused',
  nav: { dashboard: 'Dashboard', fleet: 'Registers', documents: 'Documents', catalog: 'Catalog', stock: 'Stock', customers: 'Customers', users: 'Users', review: 'Review', closures: 'Closures', accounting: 'Accounting' },
  mode: { connected: 'Connected', autonomous: 'Autonomous', reintegrating: 'Reintegrating', unknown: 'Never seen' },
  fleet: {
    title: 'Register fleet', register: 'Register', store: 'Store', mode: 'Mode', lastSeen: 'Last seen', waiting: 'Waiting',
    lastCopy: 'Last SOS copy', checksum: 'Checksum', tamper: 'Alerts', schedule: 'Copy schedule',
    silent: 'Not heard from for', staleCopy: 'Old copy', noCopy: 'No copy yet', copyNow: 'Copy now',
    cut: 'Cut link', restore: 'Restore link', linkDown: 'Link cut (demo)', prepare: 'Prepare for a planned outage',
    prepareHelp: 'A verified SOS copy on every register of the store, now.', edit: 'Edit', save: 'Save', cancel: 'Cancel',
    addLine: 'Add a time', cronHelp: 'Cron expressions (seconds optional), one per line.', invalidCron: 'Invalid expression',
    saved: 'Schedule saved', inferred: 'inferred: silent', copyRequested: 'Copy requested', results: 'Result per register',
    version: 'Version', protocol: 'protocol', unknownVersion: 'older (not reported)', mixedVersions: 'Mixed versions in the fleet (rollout under way):',
  },
  docs: {
    title: 'Documents', all: 'All', store: 'Store', register: 'Register', customer: 'Customer', from: 'From', to: 'To', offline: 'Sold offline',
    anomalies: 'Anomalies', number: 'No.', soldAt: 'Sold at', integratedAt: 'Integrated at', delay: 'Delay', total: 'Total', kind: 'Kind',
    sale: 'Sale', return: 'Return', yes: 'Yes', no: 'No', none: 'No documents', lines: 'Lines', payments: 'Payments', vat: 'VAT',
    signature: 'Signature', chain: 'Chain position', prev: 'Previous signature', head: 'Last number held', invoice: 'Invoice PDF',
    qty: 'Qty', unit: 'Unit', label: 'Item', rate: 'Rate', base: 'Net', vatAmount: 'VAT', back: 'Back', cashier: 'Cashier',
    invoiceFor: 'Invoice to', filter: 'Filter', reset: 'Clear', prev_page: 'Previous', next_page: 'Next', documentsOf: 'Documents of the customer',
    reviewed: 'Reviewed by',
  },
  catalog: {
    title: 'Catalog', search: 'Search (label, SKU, barcode)', sku: 'SKU', label: 'Label', price: 'Price incl. VAT', vat: 'VAT', category: 'Category',
    barcodes: 'Barcodes', import: 'Import a CSV', export: 'Export as CSV', importing: 'Importing', rejected: 'Rejected rows',
    line: 'Line', reasons: 'Reasons', created: 'created', updated: 'updated', done: 'Import finished', newProduct: 'New product', create: 'Create',
    categories: 'Categories', invalidPrice: 'Invalid price', csvHelp: 'Columns: sku;label;priceCents;vatRate;category;barcodes (price in cents, VAT in basis points: 2000 = 20 %, barcodes separated by |).',
  },
  stock: {
    title: 'Stock', quantity: 'Quantity', ledger: 'Movements', reception: 'Goods reception', adjustment: 'Adjustment', reason: 'Reason',
    delta: 'Delta', date: 'Date', kind: 'Kind', by: 'By', note: 'Note', receive: 'Receive', adjust: 'Adjust',
    reasons: { sale: 'Sale', return: 'Return', reception: 'Reception', adjustment: 'Adjustment' },
  },
  customers: { title: 'Customers', name: 'Name', email: 'Email', phone: 'Phone', create: 'Create customer', newCustomer: 'New customer', search: 'Search' },
  users: {
    title: 'Users', username: 'Username', displayName: 'Display name', role: 'Role', active: 'Active', pin: 'PIN', hasPin: 'PIN set',
    newUser: 'New user', create: 'Create', newPin: 'New PIN', newPassword: 'New password', deactivate: 'Deactivate', activate: 'Reactivate',
    roles: { admin: 'Administrator', manager: 'Manager', cashier: 'Cashier' }, adminOnly: 'Administrators only.',
  },
  outage: {
    line: (register: string, since: string | null) => `${register} out of touch ${since ? `since ${since}` : 'since it was enrolled'} — figures incomplete`,
    pendingUnknown: (last: number) => `unknown (last known: ${last})`,
    incomplete: 'Figures may be incomplete: registers out of touch:',
  },
  dash: { title: "Today's sales", tickets: 'Tickets', total: 'Revenue', perHour: 'Per hour', offline: 'Offline tickets', delayAvg: 'Average integration delay', delayMax: 'Max delay', date: 'Day' },
  closures: {
    title: 'Closures (Z)', register: 'Register', number: 'Z no.', date: 'Period', tickets: 'Tickets', total: 'Total incl. VAT',
    grandTotal: 'Perpetual grand total', vat: 'VAT', integrated: 'Integrated at', all: 'All registers', empty: 'No closure received',
    periods: { day: 'Day', month: 'Month', year: 'Year' },
    archives: 'Monthly archives', download: 'Download',
    archivesHint: 'Each closed month is archived by the register (signed, chained records); the file checks on its own with "comptoir verify --archive FILE".',
  },
  accounting: {
    title: 'Accounting', from: 'From', to: 'To', csv: 'Sales journal (CSV)', fec: 'FEC (French accounting entries file)',
    day: 'Day', tickets: 'Tickets', sales: 'Sales incl. VAT', returns: 'Returns incl. VAT', net: 'Net incl. VAT', base: 'Net', vat: 'VAT', total: 'Total',
    difference: 'Cash difference', open: 'not closed', drawers: 'Cash differences per register and day', register: 'Register',
    expected: 'Expected', counted: 'Counted', notCounted: 'not counted', chart: "Store's chart of accounts", save: 'Save the chart',
    chartHelp: 'Accounts the FEC uses. Defaults: 707 sales per rate, 44571 VAT collected per rate, 530 cash, 5115 cards, 5112 cheques, 658/758 cash differences.',
    key: 'Use', account: 'Account', label: 'Label', default: 'default',
    methods: { cash: 'Cash', card: 'Card', cheque: 'Cheque' } as Record<string, string>,
    keyLabel: (key: string) => {
      const [kind, arg] = key.split(':');
      if (kind === 'sales') return `Sales ${Number(arg) / 100} %`;
      if (kind === 'vat') return `VAT collected ${Number(arg) / 100} %`;
      if (kind === 'payment') return `Payment ${arg}`;
      return kind === 'cash_short' ? 'Cash shortage' : 'Cash excess';
    },
  },
  review: { title: 'Tickets to review', open: 'Open', acknowledged: 'Done', acknowledge: 'Mark as reviewed', by: 'Reviewed by', at: 'At', note: 'Note', empty: 'Nothing to review' },
  anomaly: { price_differs: 'Price differs from central price', unknown_product: 'Unknown product', negative_stock: 'Negative stock', totals_mismatch: 'Totals do not add up' },
  saved: 'Saved', error: 'Error', loading: 'Loading…', unavailable: 'Unavailable',
};

export const MESSAGES: Record<Lang, Messages> = { fr, en };
export const I18n = createContext<{ lang: Lang; t: Messages }>({ lang: 'fr', t: fr });
export function useI18n(): { lang: Lang; t: Messages } {
  return useContext(I18n);
}

/** "price_differs:SKU1" → "Prix différent du prix central (SKU1)". */
export function anomalyText(t: Messages, a: string): string {
  const [kind, arg] = a.split(':', 2);
  const text = t.anomaly[kind ?? ''] ?? kind ?? a;
  return arg ? `${text} (${arg})` : text;
}
