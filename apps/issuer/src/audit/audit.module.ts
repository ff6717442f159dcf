import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AuditController } from './audit.controller';
import { AuditLogService } from './audit-log.service';
import { AuditRecorder } from './audit-recorder.service';

/** The tenant's append-only audit log: recorded from the events, read by owners and admins. */
@Module({
  imports: [AuthModule],
  controllers: [AuditController],
  providers: [AuditRecorder, AuditLogService],
})
export class AuditModule {}
