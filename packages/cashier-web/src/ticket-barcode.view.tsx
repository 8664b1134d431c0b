import { useEffect, useRef } from 'react';
import JsBarcode from 'jsbarcode';

/**
 * A ticket reference as a Code 128 barcode (SVG, drawn by JsBarcode): what a scanner at any register
 * of the store reads back to open the ticket (returns, duplicata). The text is printed beside it by the receipt.
 */
export function TicketBarcode({ value, testId = 'receipt-barcode' }: { value: string; testId?: string }) {
  const svg = useRef<SVGSVGElement>(null);
  useEffect(() => {
    if (svg.current) JsBarcode(svg.current, value, { format: 'CODE128', displayValue: false, height: 48, width: 1.6, margin: 0 });
  }, [value]);
  return <svg ref={svg} className="receipt-barcode" data-testid={testId} data-value={value} role="img" aria-label={value} />;
}
