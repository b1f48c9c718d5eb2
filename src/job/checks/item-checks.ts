import type { CheckRecords } from './check.js';
import { present, type CheckPresenter, type PresentedRecord } from './presenter.js';

/** What the checks and stages of one image recorded, in the order they ran: by name, and as each is shown. */
export class ItemChecks {
  private readonly byName: Record<string, unknown> = {};
  private readonly shown: PresentedRecord[] = [];

  /** `check`'s record, kept under its name, and bound to its presenter when it has one. */
  add<R extends object>(check: { readonly name: string; readonly presenter?: CheckPresenter<R> }, record: R): void {
    this.byName[check.name] = record;
    // A name recorded again keeps its place, as it does among the records by name.
    const i = this.shown.findIndex((p) => p.check === check.name);
    const shown = check.presenter ? [present(check.name, check.presenter, record)] : [];
    if (i >= 0) this.shown.splice(i, 1, ...shown);
    else this.shown.push(...shown);
  }

  /** Every record by name: plain data, as the outcome keeps it. */
  get records(): CheckRecords {
    return { ...this.byName };
  }

  /** The records that are shown, in the order their checks ran. */
  get presented(): PresentedRecord[] {
    return [...this.shown];
  }
}
