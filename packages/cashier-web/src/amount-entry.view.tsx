/**
 * A typed amount in euros (comma or dot; read with domain `parseEuros` by its dialog) with its limit
 * and the dialog's refusal: the open-price and gift-card dialogs. The field takes the focus; typing
 * clears the refusal (`onChange` gets the text). Test ids: `${id}-input`, `${id}-cap` (its
 * `data-cents`), `${id}-error`.
 */
export function AmountEntry(props: { id: string; label: string; value: string; onChange: (text: string) => void; capCents: number; capText: string; error: string | null }) {
  return (
    <>
      <label className="amount">
        {props.label}
        <input
          autoFocus
          data-testid={`${props.id}-input`}
          inputMode="decimal"
          autoComplete="off"
          placeholder="0,00"
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      </label>
      <p className="hint" data-testid={`${props.id}-cap`} data-cents={props.capCents}>
        {props.capText}
      </p>
      {props.error && (
        <p className="error" role="alert" data-testid={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </>
  );
}
