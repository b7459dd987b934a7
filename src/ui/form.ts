/** A parsed urlencoded form: repeated names (checkbox lists) keep every value. */
export class Form {
  private constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  static from(body: unknown): Form {
    const values = new Map<string, string[]>();
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      for (const [name, value] of Object.entries(body)) {
        if (typeof value === 'string') values.set(name, [value]);
        else if (Array.isArray(value))
          values.set(
            name,
            value.filter((v): v is string => typeof v === 'string'),
          );
      }
    }
    return new Form(values);
  }

  get(name: string): string | undefined {
    return this.values.get(name)?.[0];
  }

  text(name: string): string {
    return (this.get(name) ?? '').trim();
  }

  getAll(name: string): string[] {
    return [...(this.values.get(name) ?? [])];
  }

  flag(name: string): boolean {
    const v = this.get(name);
    return v === 'true' || v === 'on';
  }

  /** Every single value, for the schema-form parser. */
  asMap(): Map<string, string> {
    const map = new Map<string, string>();
    for (const [name, values] of this.values) {
      const first = values[0];
      if (first !== undefined) map.set(name, first);
    }
    return map;
  }
}
